"""Progress maths: the path a figure must follow to reach its target by the deadline (Open SDG method).

The toward-deadline statuses themselves are computed in SQL with the assessment (tracker/core/sql/assess/);
this is the same compound rate, drawn year by year for the trend charts and the briefing.
"""

from __future__ import annotations

import pandas as pd


def required_path(base_year: int | None, base_value: float | None, target: float | None, deadline: int,
                  op: str | None) -> pd.DataFrame:
    """year, value on the compound path from the base value to the target by the deadline (the Open SDG
    required rate; a straight line from a zero base). Empty when there is nothing to draw."""
    if base_year is None or base_value is None or target is None or deadline <= base_year or op not in (">=", ">", "<=", "<"):
        return pd.DataFrame(columns=["year", "value"])
    years = list(range(int(base_year), deadline + 1))
    span = deadline - base_year
    if base_value > 0 and target > 0:
        rate = (target / base_value) ** (1 / span)
        values = [base_value * rate ** (y - base_year) for y in years]
    else:
        values = [base_value + (target - base_value) * (y - base_year) / span for y in years]
    return pd.DataFrame({"year": years, "value": values})
