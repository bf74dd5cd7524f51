-- A notice's frozen table, built where the data lies: the header the caller composed (:head, every key
-- but rows) and its statistics rows in rank order (:rows, a JSON array), each row given the titles its
-- unit's ledger credits for adoptions by this hub in [:start, :end) (the adopted version's title, kept on
-- the adoption row when adopting; the periodical; the type), in adoption order (a ledger row's occurred_at
-- is its adoption's adopted_at). A province's month has thousands of titles: they never pass through the
-- application, neither read nor written back.
-- Each ledger row's adoption is a lookup of its primary key (a scalar subquery returning the row, which
-- the planner keeps as written; `offset 0` keeps it from being copied into every use of a column):
-- joined, the planner prefers a scan of every adoption of the province, 50 ms of CPU in three processes
-- against 15 ms of lookups on the 1M-item data set. The few periodicals are joined once, by hash.
-- Titles are put together as json (text), made jsonb once per unit. Times in ISO 8601 UTC as the
-- application writes them; the format quotes its colons (`:name` is a parameter).
select jsonb_set(:head::jsonb, '{rows}', coalesce((
  select jsonb_agg(r.stat || jsonb_build_object('adoptedTitles', coalesce(t.list::jsonb, '[]'::jsonb)) order by r.ord)
  from jsonb_array_elements(:rows::jsonb) with ordinality as r(stat, ord)
  left join (
    select x.org_id, json_agg(json_build_object(
        'title', (x.a).title,
        'periodicalName', p.name,
        'typeLabel', :typeLabels::jsonb ->> (x.a).type::text,
        'adoptedAt', to_char((x.a).adopted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')
      ) order by x.occurred_at, x.cause_id) as list
    from (
      select e.org_id, e.occurred_at, e.cause_id, (select a from adoptions a where a.id = e.cause_id) as a
      from score_entries e
      where e.hub_id = :hubId::uuid and e.kind = 'adoption' and e.manual = false
        and e.occurred_at >= :start::timestamptz and e.occurred_at < :end::timestamptz
      offset 0
    ) x
    join periodicals p on p.id = (x.a).periodical_id
    group by x.org_id
  ) t on t.org_id = (r.stat ->> 'orgId')::uuid
), '[]'::jsonb), true)
