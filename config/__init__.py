"""Settings and logging setup shared by the CLI, the workers and the tests."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
