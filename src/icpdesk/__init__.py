"""icpdesk: the online service desk for ICP license cases."""

__version__ = "0.1.0"
