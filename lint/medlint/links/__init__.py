"""Link checking: local resolution, the HTTP checker, its cache and the address guard."""
