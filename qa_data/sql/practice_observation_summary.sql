-- practice_observation_summary: one row per value of $by ('setting': what was observed, or
-- 'theme') among practice observations in view, most observed first.
-- Columns: value, observations, good_or_better, pct (0-100).
-- Parameters: the filtered_audits arguments ($activity_types is ['observation']) and $by.
with observations as (
    select coalesce(observation_setting, 'Not recorded') as setting,
           coalesce(theme, 'No theme') as theme,
           good_or_better
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
by_value as (
    select case when $by = 'theme' then theme else setting end as value, good_or_better
    from observations
)
select value, count(*) as observations,
       count(*) filter (where good_or_better) as good_or_better,
       100.0 * count(*) filter (where good_or_better) / count(*) as pct
from by_value
group by value
order by observations desc, value;
