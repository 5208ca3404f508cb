#!/usr/bin/env bash
# azd postprovision hook: after infra/main.bicep is deployed, and before the code is,
#   1. applies sql/migrations as the PostgreSQL Entra ID administrator (the deployer by default), with a token from
#      `az account get-access-token --resource-type oss-rdbms` as the password: `dotnet run --project StandaloneHost -- migrate`;
#   2. makes the Function App's managed identity a PostgreSQL role (pgaadauth_create_principal_with_oid, by object id,
#      so no directory lookup is needed) and a member of booking_app, which may only EXECUTE the API functions.
# Idempotent: run it again (azd hooks run postprovision) after a failed attempt or a new migration.
# Needs: az (signed in), dotnet 10 SDK, psql. Reads the azd environment (outputs of main.bicep).
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in az dotnet psql; do
  command -v "$tool" >/dev/null || { echo "postprovision: '$tool' is required on this machine." >&2; exit 1; }
done
: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd hooks run postprovision)}"
: "${POSTGRES_SERVER_NAME:?}" "${POSTGRES_HOST:?}" "${POSTGRES_DATABASE:?}" "${POSTGRES_ADMIN_NAME:?}"
: "${AZURE_FUNCTION_APP_NAME:?}" "${AZURE_FUNCTION_APP_PRINCIPAL_ID:?}"

# With public access, this machine needs a firewall rule for as long as the hook runs (removed on exit).
rule=""
if [ "${POSTGRES_PUBLIC_NETWORK_ACCESS:-Enabled}" = "Enabled" ] && [ -z "${BOOKING_SKIP_CLIENT_FIREWALL_RULE:-}" ]; then
  client_ip=$(curl -fsS --max-time 10 https://api.ipify.org || true)
  if [ -n "$client_ip" ]; then
    rule="azd-postprovision-$(date +%s)"
    echo "postprovision: temporary PostgreSQL firewall rule $rule for $client_ip"
    az postgres flexible-server firewall-rule create --resource-group "$AZURE_RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
      --rule-name "$rule" --start-ip-address "$client_ip" --end-ip-address "$client_ip" --output none
    trap 'az postgres flexible-server firewall-rule delete --resource-group "$AZURE_RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" --rule-name "$rule" --yes --output none || true' EXIT
  else
    echo "postprovision: could not learn this machine's public address; add a firewall rule yourself (postgresFirewallRules) if the connection fails." >&2
  fi
fi

# Entra ID tokens live about an hour: one is enough for this hook. It is passed in the environment only.
token=$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv)

echo "postprovision: applying migrations to $POSTGRES_HOST/$POSTGRES_DATABASE as $POSTGRES_ADMIN_NAME"
ConnectionStrings__BookingDb="Host=$POSTGRES_HOST;Port=5432;Database=$POSTGRES_DATABASE;Username=$POSTGRES_ADMIN_NAME;Ssl Mode=VerifyFull;Password=$token" \
Booking__Database__UseEntraId=false \
  dotnet run --project StandaloneHost -c Release -- migrate

echo "postprovision: PostgreSQL role for the Function App identity $AZURE_FUNCTION_APP_NAME"
export PGHOST="$POSTGRES_HOST" PGPORT=5432 PGUSER="$POSTGRES_ADMIN_NAME" PGPASSWORD="$token" PGSSLMODE=require
# Entra principals are created in the postgres database; roles are cluster-wide.
psql -v ON_ERROR_STOP=1 -q -d postgres -v name="$AZURE_FUNCTION_APP_NAME" -v oid="$AZURE_FUNCTION_APP_PRINCIPAL_ID" <<'SQL'
select case when exists (select from pg_roles where rolname = :'name')
            then 'role exists'
            else pgaadauth_create_principal_with_oid(:'name', :'oid', 'service', false, false) end as result \gset
\echo :result
SQL
psql -v ON_ERROR_STOP=1 -q -d "$POSTGRES_DATABASE" -v name="$AZURE_FUNCTION_APP_NAME" <<'SQL'
grant booking_app to :"name";
SQL
echo "postprovision: done. $AZURE_FUNCTION_APP_NAME logs in as itself, a member of booking_app."
