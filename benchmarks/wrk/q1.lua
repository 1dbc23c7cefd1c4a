-- Q1, the roster: 20 courses, each with its teacher and 50 enrollments.
-- Pass an administrator's access token after `--`.
package.path = "wrk/?.lua;" .. package.path
local graphql = require("graphql")

function init(args)
  graphql.post("queries/q1.graphql", nil, args[1])
end
