-- Q2, one student's gradebook. Pass the student's global ID after `--`.
package.path = "wrk/?.lua;" .. package.path
local graphql = require("graphql")

function init(args)
  -- TODO: log in as the student and query `me` with the access token once
  -- the demo seed gives students passwords, which it does not do yet.
  graphql.post("queries/q2.graphql", '{"id":"' .. args[1] .. '"}')
end
