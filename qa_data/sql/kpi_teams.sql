-- kpi_teams: one row per team with a value for one KPI in one month: service_area, team, value,
-- numerator, denominator. Parameters: $kpi_code, $month, $areas (the viewer's service areas),
-- $all_areas (true when the viewer sees every area: teams not tied to an area are shown then).
select service_area, team, value, numerator, denominator
from kpi_values
where kpi_code = $kpi_code
  and period_month = $month
  and team is not null
  and (service_area in (select unnest($areas)) or (service_area is null and $all_areas))
order by service_area, team;
