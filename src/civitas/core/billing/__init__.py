"""Core billing: VAT decisions (with the VIES trace), invoices and credit notes numbered per
seller and year, and the registry of payment providers. Shared by the business modules
(events now, childhood services later). Public API: `vat`, `vies`, `invoices`, `payments`,
`providers`, `signals` (see CONTRIBUTING.md, "The core kit")."""
