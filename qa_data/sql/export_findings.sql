-- export_findings: the audit findings of [$start, $end] in $areas, grouped by theme: one row per kind
-- of finding (Strength, Area for development) and theme, the $top themes with most audits noting one.
-- Columns: finding, theme ('No theme' when blank), audits (with that finding noted), statements
-- (list of distinct statements, most often written first, at most 12).
-- Parameters: $areas, $start, $end (dates, inclusive), $top (themes per kind of finding).
with base as (
    select coalesce(nullif(trim(theme), ''), 'No theme') as theme,
           nullif(trim(strengths), '') as strength,
           nullif(trim(areas_for_development), '') as development
    from filtered_audits($areas, $start, $end, [], [], [])
),
statements as (
    select 'Strength' as finding, theme, strength as statement from base where strength is not null
    union all
    select 'Area for development' as finding, theme, development as statement from base where development is not null
),
counted as (
    select finding, theme, statement, count(*) as n from statements group by all
),
per_theme as (
    select finding, theme, sum(n)::integer as audits,
           list(statement order by n desc, statement)[1:12] as statements
    from counted
    group by finding, theme
)
select finding, theme, audits, statements
from per_theme
qualify row_number() over (partition by finding order by audits desc, theme) <= $top
order by finding desc, audits desc, theme;
