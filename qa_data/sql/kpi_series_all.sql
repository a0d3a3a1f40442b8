-- kpi_series_all: one row per KPI and month for one breakdown (no team), up to $until, ordered by
-- kpi_code then month (oldest first): kpi_code, period_month, value. A computed annex_a value wins
-- over a reported one for a month, as in kpi_series and kpi_scorecard.
-- Parameters: $area (varchar; null: council-wide), $until (date, first of month).
select kpi_code, period_month, value
from kpi_values
where team is null
  and service_area is not distinct from $area
  and period_month <= $until
qualify row_number() over (partition by kpi_code, period_month order by (source = 'annex_a') desc) = 1
order by kpi_code, period_month;
