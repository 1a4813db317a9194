"""The MkDocs side: the plugin, HTML sanitising, and the atomic, reproducible output."""
