"""Reports by e-mail: subscriptions in foundation.toml, the board pack and the community report sent for the last
full period on a schedule (`cli.py deliver`, run daily by cron or a systemd timer), and alerts when a headline
metric's status against its target changes."""
