-- programme_moderation: moderation per service area in view, framework order, after an 'All areas in
-- view' row. Moderated = a moderator's grade is recorded. Changed up = the moderator's grade is better
-- than the auditor's (a lower grade_rank: 1 = Outstanding), down = worse, agreed = the same.
-- Columns: service_area, activities, moderated, moderated_pct (of activities), agreed, changed_up,
-- changed_down, agreed_pct, up_pct, down_pct (of moderated).
-- Parameters: the filtered_audits arguments.
with in_view as (
    select a.service_area, ga.grade_rank as auditor_rank, gm.grade_rank as moderator_rank
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes) as a
    join grades as ga on ga.grade = a.overall_grade
    left join grades as gm on gm.grade = a.moderated_grade
),
per_area as (
    select coalesce(service_area, 'All areas in view') as service_area,
           grouping(service_area) as is_total,
           count(*) as activities,
           count(moderator_rank) as moderated,
           count(*) filter (where moderator_rank = auditor_rank) as agreed,
           count(*) filter (where moderator_rank < auditor_rank) as changed_up,
           count(*) filter (where moderator_rank > auditor_rank) as changed_down
    from in_view
    group by grouping sets ((service_area), ())
)
select p.service_area, p.activities, p.moderated, 100.0 * p.moderated / p.activities as moderated_pct,
       p.agreed, p.changed_up, p.changed_down,
       100.0 * p.agreed / nullif(p.moderated, 0) as agreed_pct,
       100.0 * p.changed_up / nullif(p.moderated, 0) as up_pct,
       100.0 * p.changed_down / nullif(p.moderated, 0) as down_pct
from per_area as p
left join service_areas as s on s.service_area = p.service_area
where p.activities > 0
order by p.is_total desc, s.sort_order
