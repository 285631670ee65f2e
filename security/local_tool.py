"""Run Debian's wapiti or sqlmap held to this machine: `python3 local_tool.py wapiti|sqlmap ARGS`.

- Every connection and name lookup is limited to the loopback address (127.0.0.0/8, ::1,
  localhost): the scanners have bits that reach for the internet on their own (wapiti's `wapp`
  module downloads a database when it is loaded, its ssrf module calls an outside endpoint),
  and this scan must never send anything beyond this machine.
- wapiti loads only the modules named with `-m` (it would otherwise load, and so run the
  constructor of, every module it has).
- wapiti 3.0.4 compiles each `-x` pattern as `<pattern>\\Z(?ms)`, which Python 3.11 refuses
  ("global flags not at the start"); the same translation with the flags first replaces it.

Run with the system Python (/usr/bin/python3), where Debian installs both tools.
"""

import ipaddress
import re
import runpy
import socket
import sys

SQLMAP = "/usr/share/sqlmap/sqlmap.py"


def is_loopback(host) -> bool:
    host = str(host).split("%")[0].strip("[]")
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not is_loopback(host):
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: refused, this scan stays on 127.0.0.1")
    return _getaddrinfo(host, *args, **kwargs)


def _check(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
        raise ConnectionRefusedError(f"{address[0]}: refused, this scan stays on 127.0.0.1")


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex


def wildcard_translate(pattern: str) -> re.Pattern:
    """`*` matches anything, everything else itself (wapiti's meaning), flags first."""
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


def wapiti(arguments: list[str]) -> int:
    import wapitiCore.attack.attack as attack
    import wapitiCore.net.crawler as crawler
    from wapitiCore.main.wapiti import wapiti_main

    crawler.wildcard_translate = wildcard_translate
    if "-m" in arguments:
        wanted = arguments[arguments.index("-m") + 1].split(",")
        attack.modules = [name for name in attack.modules if name[len("mod_") :] in wanted]
    sys.argv = ["wapiti", *arguments]
    return wapiti_main()


def sqlmap(arguments: list[str]) -> int:
    sys.argv = [SQLMAP, *arguments]
    sys.path.insert(0, SQLMAP.rsplit("/", 1)[0])
    runpy.run_path(SQLMAP, run_name="__main__")
    return 0


if __name__ == "__main__":
    tool, *rest = sys.argv[1:]
    sys.exit({"wapiti": wapiti, "sqlmap": sqlmap}[tool](rest))
