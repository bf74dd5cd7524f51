-- Rule sets of hubs that count a periodical.
select r.hub_id, r.rules, r.version
from scoring_rule_sets r
where r.rules -> 'periodicals' @> jsonb_build_array(jsonb_build_object('periodicalId', :periodicalId::text))
