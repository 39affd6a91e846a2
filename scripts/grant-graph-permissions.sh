#!/usr/bin/env bash
# Grants Dragon Desk's identity exactly the Microsoft Graph application permissions the features
# in use need (least privilege, README "Production set-up"), and lists any others it holds.
#
#   scripts/grant-graph-permissions.sh <principal object id> [options]
#
# <principal object id>: the service principal of Dragon Desk's identity: on Azure the managed
# identity's AZURE_MANAGED_IDENTITY_PRINCIPAL_ID (env/.env.dev after provision); for an app
# registration (the local environment), `az ad sp show --id <BOT_ID> --query id -o tsv`.
# `npx dragon-desk doctor` prints this command with the options your configuration needs.
#
# Always: User.Read.All, GroupMember.Read.All, RoleManagement.Read.Directory,
#         Organization.Read.All, RoleManagement.ReadWrite.Directory
#   --groups           GroupMember.ReadWrite.All (license groups or a Dragon Administrators group configured)
#   --direct-licenses  LicenseAssignment.ReadWrite.All (a license kind without a group)
#   --pim              PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup (PIM_ENABLED=true)
#   --setup            Group.Create, LicenseAssignment.ReadWrite.All, GroupMember.ReadWrite.All
#                      ("set up Dragon licensing" creating groups; drop it again afterwards)
#   --partner-offers   DelegatedAdminRelationship.ReadWrite.All (GDAP offers, partner tenant only)
#   --catalog-check    AppCatalog.Read.All (the doctor's org catalog check)
#   --remove-others    also remove Graph application permissions not in the list above
#   --print            only print the permissions, change nothing (no az needed)
#
# Needs the Azure CLI signed in (`az login`) as a Privileged Role Administrator or Global
# Administrator: an application permission is granted by an app role assignment on Microsoft
# Graph's service principal, which is also its admin consent. Unverified against a real tenant.
set -euo pipefail

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; }

PRINCIPAL=""
PERMISSIONS=(User.Read.All GroupMember.Read.All RoleManagement.Read.Directory Organization.Read.All RoleManagement.ReadWrite.Directory)
REMOVE_OTHERS=false
PRINT_ONLY=false
for arg in "$@"; do
  case "$arg" in
    --groups) PERMISSIONS+=(GroupMember.ReadWrite.All) ;;
    --direct-licenses) PERMISSIONS+=(LicenseAssignment.ReadWrite.All) ;;
    --pim) PERMISSIONS+=(PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup) ;;
    --setup) PERMISSIONS+=(Group.Create LicenseAssignment.ReadWrite.All GroupMember.ReadWrite.All) ;;
    --partner-offers) PERMISSIONS+=(DelegatedAdminRelationship.ReadWrite.All) ;;
    --catalog-check) PERMISSIONS+=(AppCatalog.Read.All) ;;
    --remove-others) REMOVE_OTHERS=true ;;
    --print) PRINT_ONLY=true ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown option $arg" >&2; usage >&2; exit 2 ;;
    *) PRINCIPAL="$arg" ;;
  esac
done
mapfile -t PERMISSIONS < <(printf '%s\n' "${PERMISSIONS[@]}" | sort -u)

if $PRINT_ONLY; then
  printf '%s\n' "${PERMISSIONS[@]}"
  exit 0
fi
if [[ ! "$PRINCIPAL" =~ ^[0-9a-fA-F-]{36}$ ]]; then
  echo "give the service principal's object id (a GUID)" >&2
  usage >&2
  exit 2
fi

GRAPH_APP_ID=00000003-0000-0000-c000-000000000000
GRAPH=https://graph.microsoft.com/v1.0
graph_sp=$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)
assigned=$(az rest --method GET --url "$GRAPH/servicePrincipals/$PRINCIPAL/appRoleAssignments" \
  --query "value[?resourceId=='$graph_sp'].[id, appRoleId]" -o tsv)
role_id() {
  az ad sp show --id "$GRAPH_APP_ID" \
    --query "appRoles[?value=='$1' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv
}

wanted_ids=()
for permission in "${PERMISSIONS[@]}"; do
  role=$(role_id "$permission")
  if [[ -z "$role" ]]; then
    echo "Microsoft Graph has no application permission named $permission" >&2
    exit 1
  fi
  wanted_ids+=("$role")
  if grep -q "$role" <<<"$assigned"; then
    echo "already granted: $permission"
    continue
  fi
  az rest --method POST --url "$GRAPH/servicePrincipals/$PRINCIPAL/appRoleAssignments" \
    --headers Content-Type=application/json \
    --body "{\"principalId\":\"$PRINCIPAL\",\"resourceId\":\"$graph_sp\",\"appRoleId\":\"$role\"}" >/dev/null
  echo "granted: $permission"
done

# Anything else on Microsoft Graph is more than Dragon Desk needs.
while read -r assignment role; do
  [[ -z "${assignment:-}" ]] && continue
  if printf '%s\n' "${wanted_ids[@]}" | grep -qx "$role"; then continue; fi
  name=$(az ad sp show --id "$GRAPH_APP_ID" --query "appRoles[?id=='$role'].value | [0]" -o tsv)
  if $REMOVE_OTHERS; then
    az rest --method DELETE --url "$GRAPH/servicePrincipals/$PRINCIPAL/appRoleAssignments/$assignment" >/dev/null
    echo "removed (not needed): $name"
  else
    echo "not needed, still granted: $name (--remove-others removes it)"
  fi
done <<<"$assigned"
