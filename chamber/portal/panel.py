"""What a dashboard panel is: a template and the context it is rendered with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
