"""Data in: reference geography, the store's initial build and (later) the counties' returns."""
