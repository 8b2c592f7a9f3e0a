"""The energy pillar: its metrics, their catalogue entries and its page."""
