"""The UI-free core of the Rural Revitalisation Target Tracker: store, geography, queries."""
