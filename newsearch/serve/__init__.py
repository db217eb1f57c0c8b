"""The HTTP face of newsearch: the ASGI app and the search page (``page``)."""
