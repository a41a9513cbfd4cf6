"""Link checking: local resolution, the HTTP checker, its cache and the address guard.

Remote checking is `medlint.links.checker.check_urls(urls, LinkSettings(...))`, which returns one
`LinkResult` per distinct URL. It is not re-exported here, so that importing `medlint.links`
does not load httpx. Modules: `checker` (entry, verdicts, cache policy), `fetch` (one URL's
request chain), `transport` (httpx wired through the guard), `guard` (address policy, DNS),
`cache` (SQLite), `urls` (canonical request URLs), `policy` (retry and wording rules),
`errors` (failures that carry their verdict).
"""
