/**
 * The JSON clerk shows, one record per concept, shared by the worker's {@code /v1/…} endpoints and the
 * CLI's {@code --json}: snake_case field names, lowercase stages, times as ISO-8601 UTC strings.
 * docs/api.md describes them and {@code static/openapi.json} is their schema; tests compare the output
 * of both with it.
 */
package clerk.client.api;
