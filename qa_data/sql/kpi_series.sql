-- kpi_series: one row per month for one KPI and breakdown, oldest first: period_month, value,
-- numerator, denominator, target. Parameters: $kpi_code, $area (null: council-wide), $until (date).
select period_month, value, numerator, denominator, target
from kpi_values
where kpi_code = $kpi_code
  and team is null
  and service_area is not distinct from $area
  and period_month <= $until
order by period_month;
