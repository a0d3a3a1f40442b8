-- programme_delivery: the audit plan (framework Appendix B) against the activities completed, one row
-- per month, service area, activity type and theme that was planned or done in the period.
-- Completed = audits dated in the same month, of the same service area and activity type, whose theme
-- matches the plan's ignoring case and white space. Done but not in the plan: in_plan false, planned 0.
-- Columns: plan_month (first day), service_area, activity_type (its label: 'Case audit'), theme (the plan's wording, else the
-- audits'; null = no theme recorded), planned, completed, in_plan.
-- Parameters: $areas (service areas in view), $start_date, $end_date (whole months, inclusive).
with plan as (
    select plan_month, service_area, activity_type,
           regexp_replace(lower(trim(theme)), '\s+', ' ', 'g') as theme_key,
           min(theme) as theme,
           sum(planned) as planned
    from audit_plan
    where list_contains($areas, service_area)
      and plan_month between date_trunc('month', $start_date) and $end_date
    group by plan_month, service_area, activity_type, theme_key
),
done as (
    select date_trunc('month', audit_date)::date as plan_month, service_area, activity_type,
           regexp_replace(lower(trim(theme)), '\s+', ' ', 'g') as theme_key,
           min(trim(theme)) as theme,
           count(*) as completed
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
    group by plan_month, service_area, activity_type, theme_key
)
select coalesce(p.plan_month, d.plan_month) as plan_month,
       coalesce(p.service_area, d.service_area) as service_area,
       coalesce(t.label, p.activity_type, d.activity_type) as activity_type,
       coalesce(p.theme, d.theme) as theme,
       coalesce(p.planned, 0)::integer as planned,
       coalesce(d.completed, 0)::integer as completed,
       p.plan_month is not null as in_plan
from plan as p
full join done as d
  on p.plan_month = d.plan_month
 and p.service_area = d.service_area
 and p.activity_type = d.activity_type
 and p.theme_key = d.theme_key
left join activity_types as t on t.activity_type = coalesce(p.activity_type, d.activity_type)
order by plan_month, service_area, coalesce(p.activity_type, d.activity_type), lower(coalesce(p.theme, d.theme)) nulls last
