-- export_people_names: one row per distinct person named in the data (an audit's worker or auditor, an
-- action's owner), so that exported text can be checked for names. Column: name. No parameters.
select distinct name
from (
    select trim(worker) as name from audits
    union all
    select trim(auditor) as name from audits
    union all
    select trim(owner) as name from actions
) as people
where name is not null and name <> ''
order by name;
