-- Q2, one student's gradebook. Pass the student's global ID after `--`,
-- then that student's access token.
package.path = "wrk/?.lua;" .. package.path
local graphql = require("graphql")

function init(args)
  graphql.post("queries/q2.graphql", '{"id":"' .. args[1] .. '"}', args[2])
end
