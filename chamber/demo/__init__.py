"""The demo chamber (small and large) that `flask seed-demo` creates."""
