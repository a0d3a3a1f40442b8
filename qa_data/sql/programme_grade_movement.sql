-- programme_grade_movement: the moderated activities in view as a grid, one row per auditor's grade
-- (all four, best first), one column per moderator's grade: how many audits moved from which grade to
-- which. The diagonal is agreement.
-- Columns: auditor_grade, "Outstanding", "Good", "Requires improvement", "Inadequate", moderated (row total).
-- Parameters: the filtered_audits arguments.
with moderated as (
    select overall_grade, moderated_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
    where moderated_grade is not null
)
select g.grade as auditor_grade,
       count(*) filter (where m.moderated_grade = 'Outstanding') as "Outstanding",
       count(*) filter (where m.moderated_grade = 'Good') as "Good",
       count(*) filter (where m.moderated_grade = 'Requires improvement') as "Requires improvement",
       count(*) filter (where m.moderated_grade = 'Inadequate') as "Inadequate",
       count(m.moderated_grade) as moderated
from grades as g
left join moderated as m on m.overall_grade = g.grade
group by g.grade, g.grade_rank
order by g.grade_rank
