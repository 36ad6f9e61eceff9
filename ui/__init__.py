"""What the dashboard's pages share: the period and database of the session, cached loaders, cards."""
