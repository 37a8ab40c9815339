"""core: what every package uses: the organisation tree that scope is defined over,
scope, audit, the clock, the transaction helper, states, base views, parsing of typed
values, Turkish text, uploads, PDFs, national settings."""
