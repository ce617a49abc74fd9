"""One controller per resource: brukere, vedtak, leveranser."""
