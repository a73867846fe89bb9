use super::*;

fn input(json: serde_json::Value) -> Input {
    serde_json::from_value(json).unwrap()
}

fn full() -> SyncRequest {
    SyncRequest { full: true, ..Default::default() }
}

fn one_service(endpoints: usize, extra_spec: serde_json::Value) -> Input {
    let mut spec = serde_json::json!({
        "clusterIP": "172.30.0.41",
        "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]
    });
    for (k, v) in extra_spec.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let eps: Vec<serde_json::Value> = (0..endpoints)
        .map(|i| serde_json::json!({"addresses": [format!("10.180.0.{}", i + 1)], "nodeName": if i == 0 { "node1" } else { "node2" }}))
        .collect();
    input(serde_json::json!({
        "services": [{"metadata": {"namespace": "ns1", "name": "svc1"}, "spec": spec}],
        "endpointSlices": [{
            "metadata": {"namespace": "ns1", "name": "svc1-abc", "labels": {"kubernetes.io/service-name": "svc1"}},
            "addressType": "IPv4",
            "endpoints": eps,
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]
        }],
        "settings": {"nodeName": "node1", "localDetect": {"mode": "ClusterCIDR", "cidr": "10.0.0.0/8"}}
    }))
}

#[test]
fn probabilities_have_ten_decimals_rounded_half_to_even() {
    assert_eq!(probability(2), "0.5000000000");
    assert_eq!(probability(3), "0.3333333333");
    assert_eq!(probability(2048), "0.0004882812");
}

#[test]
fn cluster_ip_service_spreads_over_endpoints() {
    let rules = compile(&one_service(3, serde_json::json!({})), &full()).unwrap().text;
    assert!(rules.contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O\n"));
    assert!(rules.contains("-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-SXIVWICOYRO3J4NJ\n"));
    assert!(rules.contains("--probability 0.5000000000"));
    assert!(rules.contains("-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80\n"));
    assert!(rules.starts_with("*filter\n:KUBE-SERVICES - [0:0]\n"));
    assert!(rules.ends_with("-j KUBE-NODEPORTS\nCOMMIT\n"));
}

#[test]
fn service_without_endpoints_is_rejected() {
    let rules = compile(&one_service(0, serde_json::json!({})), &full()).unwrap().text;
    assert!(rules.contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT\n"));
    assert!(!rules.contains("KUBE-SVC-"));
}

#[test]
fn client_ip_affinity_uses_recent() {
    let rules = compile(
        &one_service(1, serde_json::json!({"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}})),
        &full(),
    )
    .unwrap()
    .text;
    assert!(rules.contains("-m recent --name KUBE-SEP-SXIVWICOYRO3J4NJ --rcheck --seconds 60 --reap -j KUBE-SEP-SXIVWICOYRO3J4NJ"));
    assert!(rules.contains("-m recent --name KUBE-SEP-SXIVWICOYRO3J4NJ --set -m tcp -p tcp -j DNAT"));
}

#[test]
fn internal_policy_local_drops_without_local_endpoints() {
    let mut service = one_service(2, serde_json::json!({"internalTrafficPolicy": "Local"}));
    service.settings.node_name = "node9".into();
    let rules = compile(&service, &full()).unwrap();
    assert!(rules.text.contains("\"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP"));
    assert_eq!(rules.no_local_endpoints_internal, 1);
}

#[test]
fn large_clusters_drop_endpoint_comments() {
    let rules = compile(&one_service(1001 % 250 + 1, serde_json::json!({})), &full()).unwrap();
    assert!(!rules.large_cluster);
    let mut big = one_service(1, serde_json::json!({}));
    let slice = big.endpoint_slices[0].clone();
    big.endpoint_slices[0].endpoints = (0..1001)
        .map(|i| {
            let mut ep = slice.endpoints[0].clone();
            ep.addresses = vec![format!("10.181.{}.{}", i / 250, i % 250 + 1)];
            ep
        })
        .collect();
    let rules = compile(&big, &full()).unwrap();
    assert!(rules.large_cluster);
    assert!(!rules.text.contains("-> 10.181."));
}

#[test]
fn partial_sync_leaves_out_unchanged_services_and_deletes_stale_chains() {
    let service = one_service(2, serde_json::json!({}));
    let first = compile(&service, &full()).unwrap();
    let partial = compile(
        &service,
        &SyncRequest {
            full: false,
            changed_services: Default::default(),
            existing_nat_chains: Some(vec!["KUBE-SEP-OLDOLDOLDOLDOLDO".into(), "KUBE-MARK-MASQ".into(), "OTHER".into()]),
        },
    )
    .unwrap();
    assert!(!partial.text.contains(":KUBE-SVC-XPGD46QRK7WJZT7O"));
    // The jump from KUBE-SERVICES is always written: KUBE-SERVICES is rewritten whole.
    assert!(partial.text.contains("-j KUBE-SVC-XPGD46QRK7WJZT7O"));
    assert!(partial.text.contains(":KUBE-SEP-OLDOLDOLDOLDOLDO - [0:0]\n"));
    assert!(partial.text.contains("-X KUBE-SEP-OLDOLDOLDOLDOLDO\n"));
    assert_eq!(partial.deleted_chains, 1);
    assert_eq!(partial.nat_rules_total, first.nat_rules_total);
    assert!(partial.nat_rules < first.nat_rules);
}

#[test]
fn bad_settings_are_errors() {
    let mut service = one_service(1, serde_json::json!({}));
    service.settings.ip_family = "IPv5".into();
    assert!(compile(&service, &full()).is_err());
    assert!(parse_input("{\"services\": 3}").is_err());
}

#[test]
fn state_compiles_what_one_shot_compiles_and_tracks_changed_services() {
    let cluster = one_service(3, serde_json::json!({}));
    let mut state = ClusterState::new(cluster.settings.clone()).unwrap();
    let mut proxier = IptablesProxier::default();
    state
        .apply(Changes {
            services: vec![("ns1/svc1".into(), Some(cluster.services[0].clone()))],
            endpoint_slices: vec![("ns1/svc1-abc".into(), Some(cluster.endpoint_slices[0].clone()))],
            settings: None,
        })
        .unwrap();
    let first = proxier.sync(&mut state, true, None).unwrap();
    assert_eq!(first.text, compile(&cluster, &full()).unwrap().text);

    // Nothing changed: a partial sync writes no service chains.
    let idle = proxier.sync(&mut state, false, None).unwrap();
    assert!(!idle.text.contains(":KUBE-SVC-XPGD46QRK7WJZT7O"));

    // One endpoint leaves: the service's chains are rewritten, and a full sync deletes the
    // endpoint chain the last sync used.
    let mut slice = cluster.endpoint_slices[0].clone();
    slice.endpoints.pop();
    state.set_slice("ns1/svc1-abc".into(), Some(slice));
    let partial = proxier.sync(&mut state, false, None).unwrap();
    assert!(partial.text.contains(":KUBE-SVC-XPGD46QRK7WJZT7O"));
    assert!(!partial.text.contains("10.180.0.3:80"));
    state.set_service("ns1/svc1".into(), None);
    let removed = proxier.sync(&mut state, true, None).unwrap();
    assert!(removed.text.contains("-X KUBE-SVC-XPGD46QRK7WJZT7O\n"));
    assert!(removed.text.contains("-X KUBE-SEP-SXIVWICOYRO3J4NJ\n"));
    assert!(proxier.active_nat_chains().is_empty());
}

#[test]
fn state_refuses_bad_settings() {
    let settings = NodeSettings { ip_family: "IPv5".into(), ..Default::default() };
    assert!(ClusterState::new(settings.clone()).is_err());
    let mut state = ClusterState::new(NodeSettings::default()).unwrap();
    assert!(state.apply(Changes { settings: Some(settings), ..Default::default() }).is_err());
    assert_eq!(state.settings().ip_family, "IPv4");
}
