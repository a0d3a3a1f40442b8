-- activity_counts: one row per activity type among the filtered audits: activity_type, n.
select activity_type, count(*) as n
from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
group by activity_type
order by activity_type;
