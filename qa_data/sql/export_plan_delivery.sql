-- export_plan_delivery: one row per service area, activity type and theme planned in the months
-- [$start, $end], in $areas: the audit plan against what was done. Completed = audits in the same
-- month, area and activity type whose theme matches the plan's ignoring case and surrounding spaces.
-- Columns: service_area, activity_type, theme, planned, completed.
-- Parameters: $areas (service areas in scope), $start, $end (dates, inclusive).
with plan as (
    select plan_month, service_area, activity_type, theme, planned
    from audit_plan
    where list_contains($areas, service_area)
      and plan_month between $start and $end
),
done as (
    select date_trunc('month', audit_date)::date as plan_month, service_area, activity_type,
           lower(trim(theme)) as theme_key, count(*) as completed
    from filtered_audits($areas, $start, $end, [], [], [])
    where theme is not null
    group by all
)
select p.service_area, p.activity_type, p.theme,
       sum(p.planned) as planned,
       sum(coalesce(d.completed, 0)) as completed
from plan as p
left join done as d
    on d.plan_month = p.plan_month and d.service_area = p.service_area
   and d.activity_type = p.activity_type and d.theme_key = lower(trim(p.theme))
join service_areas as s on s.service_area = p.service_area
group by p.service_area, p.activity_type, p.theme, s.sort_order
order by s.sort_order, p.activity_type, p.theme;
