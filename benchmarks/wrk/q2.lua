-- Q2, one student's gradebook. Pass the student's global ID after `--`.
package.path = "wrk/?.lua;" .. package.path
local graphql = require("graphql")

function init(args)
  -- TODO: send the student's own access token and query `me` once logIn exists.
  graphql.post("queries/q2.graphql", '{"id":"' .. args[1] .. '"}')
end
