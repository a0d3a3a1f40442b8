-- kpi_series: one row per month for one KPI and breakdown, oldest first: period_month, value,
-- numerator, denominator, target (a computed annex_a value wins over a reported one for a month).
-- Parameters: $kpi_code, $area (null: council-wide), $until (date).
select period_month, value, numerator, denominator, target
from kpi_values
where kpi_code = $kpi_code
  and team is null
  and service_area is not distinct from $area
  and period_month <= $until
qualify row_number() over (partition by period_month order by (source = 'annex_a') desc) = 1
order by period_month;
