-- Q4, the logIn mutation with the correct password. Pass the email and
-- the password after `--`. A response without an access token counts as
-- an error, because a failed login returns `userErrors`, not `errors`.
package.path = "wrk/?.lua;" .. package.path
local graphql = require("graphql")

function init(args)
  local variables = '{"email":' .. graphql.json_string(args[1])
    .. ',"password":' .. graphql.json_string(args[2]) .. '}'
  graphql.post("queries/q4.graphql", variables)
  graphql.require_pattern('"accessToken":%s*"')
end
