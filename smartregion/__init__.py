"""smartregion: the open platform of a regional digital ecosystem."""

__version__ = "0.1.0"
