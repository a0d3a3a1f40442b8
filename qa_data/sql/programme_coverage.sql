-- programme_coverage: one row per service area in view and theme, for linking themes to the
-- framework's scope items (section 6): every theme the plan names for the area (any month, with the
-- scope items the plan links it to) and every theme audited in the period. Themes are matched
-- ignoring case and white space.
-- Columns: service_area, theme, scope_areas (list of the plan's "Scope area" values for the theme,
-- any month), planned (in the period's months), completed (activities in the period).
-- Parameters: the filtered_audits arguments.
with plan as (
    select service_area,
           regexp_replace(lower(trim(theme)), '\s+', ' ', 'g') as theme_key,
           min(theme) as theme,
           coalesce(list(distinct scope_area) filter (where scope_area is not null), []) as scope_areas,
           coalesce(sum(planned) filter (
               where plan_month between date_trunc('month', $start_date) and $end_date
           ), 0) as planned
    from audit_plan
    where list_contains($areas, service_area)
    group by service_area, theme_key
),
done as (
    select service_area,
           regexp_replace(lower(trim(theme)), '\s+', ' ', 'g') as theme_key,
           min(trim(theme)) as theme,
           count(*) as completed
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
    where theme is not null
    group by service_area, theme_key
)
select coalesce(p.service_area, d.service_area) as service_area,
       coalesce(p.theme, d.theme) as theme,
       coalesce(p.scope_areas, []::varchar[]) as scope_areas,
       coalesce(p.planned, 0)::integer as planned,
       coalesce(d.completed, 0)::integer as completed
from plan as p
full join done as d on p.service_area = d.service_area and p.theme_key = d.theme_key
order by service_area, theme
