-- practice_supervision_compliance: one row per month and breakdown of a supervision-frequency KPI
-- ($kpi_code, normally supervision_in_timescale) in the months of the period: the council-wide
-- value (only when $all_areas: the viewer sees every service area) and the values of the service areas
-- in $areas (team values are left out).
-- Columns: period_month (date), breakdown ('Council-wide' or the service area), value, numerator,
-- denominator, target (the value's own, else the catalogue's).
select v.period_month,
       coalesce(v.service_area, 'Council-wide') as breakdown,
       v.value, v.numerator, v.denominator,
       coalesce(v.target, k.target) as target
from kpi_values as v
left join kpis as k using (kpi_code)
where v.kpi_code = $kpi_code
  and v.team is null
  and v.value is not null
  and (v.service_area is null and $all_areas or v.service_area in (select unnest($areas)))
  and v.period_month between date_trunc('month', $start_date::date) and $end_date
order by v.service_area is not null, v.service_area, v.period_month;
