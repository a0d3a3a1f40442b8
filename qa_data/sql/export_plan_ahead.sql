-- export_plan_ahead: one row per planned month, service area, activity type and theme in the audit
-- plan for the months [$start, $end] in $areas. Columns: plan_month, service_area, activity_type,
-- theme, planned.
-- Parameters: $areas (service areas in scope), $start, $end (dates, inclusive).
select p.plan_month, p.service_area, p.activity_type, p.theme, p.planned
from audit_plan as p
join service_areas as s on s.service_area = p.service_area
where list_contains($areas, p.service_area)
  and p.plan_month between $start and $end
order by p.plan_month, s.sort_order, p.activity_type, p.theme;
