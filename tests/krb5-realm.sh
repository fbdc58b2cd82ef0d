# A throw-away MIT Kerberos realm, CORP.EXAMPLE, in files of its own: sourced by bench/auth.sh and tests/e2e/run.sh
# (the C# tests have Endpoints.Testing/KerberosRealm for the same). krb5_realm DIR ADDR PORT PRINCIPAL... writes
# DIR/krb5.conf and DIR/kdc.conf for a KDC on ADDR:PORT only, exports KRB5_CONFIG and KRB5_KDC_PROFILE, and creates
# the database with each PRINCIPAL: NAME:PASSWORD for a user, a bare NAME (a service) with a random key, written to
# DIR/service.keytab. Starting krb5kdc -n is the caller's: where it runs (a namespace or not) is theirs to say.
krb5_realm() {
  local dir=$1 address=$2 port=$3 principal
  shift 3
  mkdir -p "$dir"
  cat > "$dir/krb5.conf" <<CONF
[libdefaults]
    default_realm = CORP.EXAMPLE
    dns_lookup_kdc = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
[realms]
    CORP.EXAMPLE =
    {
        kdc = $address:$port
    }
CONF
  cat > "$dir/kdc.conf" <<CONF
[kdcdefaults]
    kdc_listen = $address:$port
    kdc_tcp_listen = $address:$port
[realms]
    CORP.EXAMPLE =
    {
        database_name = $dir/principal
        key_stash_file = $dir/stash
        acl_file = $dir/kadm5.acl
    }
CONF
  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
  kdb5_util create -s -r CORP.EXAMPLE -P "master-$$-$RANDOM" >/dev/null 2>&1 || return 1
  for principal in "$@"; do
    case $principal in
      *:*) kadmin.local -q "addprinc -pw ${principal#*:} ${principal%%:*}" >/dev/null 2>&1 || return 1 ;;
      *) kadmin.local -q "addprinc -randkey $principal" >/dev/null 2>&1 &&
           kadmin.local -q "ktadd -k $dir/service.keytab $principal" >/dev/null 2>&1 || return 1 ;;
    esac
  done
}
