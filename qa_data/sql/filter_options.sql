-- filter_options: (kind, value) pairs for the page filters: teams, themes and activity types
-- present among the filtered audits, each sorted.
with base as (
    select team, theme, activity_type
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
)
select kind, value from (
    select distinct 'team' as kind, team as value from base where team is not null
    union all
    select distinct 'theme', theme from base where theme is not null
    union all
    select distinct 'activity_type', activity_type from base
)
order by kind, value;
