"""Every figure of every report, computed in SQL for one period (DESIGN.md "Reports").

One entry point: `compute(period)` runs each figure once (GROUP BY, FILTER, percentile_cont,
window functions, ROLLUP/CUBE) and returns raw tables. Nothing here loops over families in
Python; Python only arranges the few aggregate rows into tables. The raw tables still hold
small numbers: they go through `reporting.suppression` before anything is shown, printed or
exported. Report kinds pick from the same tables; no figure is computed twice for a report.

- `tables`: the raw tables (`Column`, `Cell`, `Row`, `Table`), `Period` and `Figures`;
- `sql`: SQL helpers shared by the figure modules;
- `flow`, `work`, `members`, `outcomes`, `sip`, `network`: the figures, one group each;
- `registry`: the figures in order, and `compute`.

Definitions (a period is from `start` to `end`, both days included):
- in the programme during the period: started on or before the end and not ended before the
  start (`start_date <= end` and `end_date` empty or `>= start`);
- requested / started: the request / start date falls in the period;
- phasing out: phase-out began on or before the end and the case had not ended by the start;
- closed / declined / withdrawn: the case has that status and its end date falls in the period;
- caseload: families with a responsible ombud in the programme at the end of the period;
- ages are taken at the end of the period;
- goal progress and KASAM compare the first and the latest rating on or before the end of the
  period, for families in the programme during it.
"""

from reporting.figures.registry import compute
from reporting.figures.tables import Cell, Column, Figures, Period, Row, Table

__all__ = ["Cell", "Column", "Figures", "Period", "Row", "Table", "compute"]
