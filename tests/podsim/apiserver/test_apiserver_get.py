"""`kubectl get` through the endpoint: kubectl's own tables, flags, errors and exit codes."""

import json
import urllib.request
from typing import Any

from apiserver_rig import NS, Kubectl, padded

from podsim.apiserver import ApiServer
from podsim.world import World

POD_HEADER = "READY   STATUS    RESTARTS   AGE"


def test_get_pods_prints_the_pod_printer_table_in_virtual_time(
    world: World, kubectl: Kubectl
) -> None:
    head, name = padded(world.pod().name)
    result = kubectl("get", "pods")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"{head}{POD_HEADER}\n{name}1/1     Running   0          65s\n"


def test_wide_adds_ip_node_nominated_node_and_readiness_gates(
    world: World, kubectl: Kubectl
) -> None:
    pod = world.pod()
    head, name = padded(pod.name)
    ip = pod.ip.ljust(len(pod.ip) + 3)
    assert kubectl("get", "pods", "-o", "wide").out == (
        f"{head}{POD_HEADER}   {'IP'.ljust(len(ip))}NODE               NOMINATED NODE   "
        "READINESS GATES\n"
        f"{name}1/1     Running   0          65s   {ip}{pod.node}   <none>           <none>\n"
    )


def test_all_namespaces_no_headers_and_show_labels(world: World, kubectl: Kubectl) -> None:
    pod = world.pod()
    head, name = padded(pod.name)
    everywhere = kubectl("get", "pods", "-A").out.splitlines()
    assert everywhere[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert everywhere[1].split() == [NS, pod.name, "1/1", "Running", "0", "65s"]
    assert kubectl("get", "pods", "--no-headers").out == f"{pod.name}   1/1   Running   0     65s\n"
    labels = ",".join(f"{k}={v}" for k, v in sorted(pod.labels.items()))
    assert kubectl("get", "pods", "--show-labels").out == (
        f"{head}{POD_HEADER}   LABELS\n{name}1/1     Running   0          65s   {labels}\n"
    )


def test_selectors_and_jsonpath_read_the_served_objects(world: World, kubectl: Kubectl) -> None:
    pod = world.pod()
    phase = kubectl("get", "pod", pod.name, "-o", "jsonpath={.status.phase}")
    assert (phase.code, phase.out) == (0, "Running")
    chosen = kubectl("get", "pods", "-l", "app.kubernetes.io/name=codeforphilly",
                     "--field-selector=status.phase=Running", "-o", "name")
    assert chosen.out == f"pod/{pod.name}\n"
    none = kubectl("get", "pods", "-l", "app.kubernetes.io/name in (other)")
    assert (none.code, none.out, none.err) == (0, "", f"No resources found in {NS} namespace.\n")
    as_json = json.loads(kubectl("get", "pods", "-o", "json").out)
    status = as_json["items"][0]["status"]["containerStatuses"][0]
    assert (status["restartCount"], list(status["state"])) == (0, ["running"])


def test_deployments_replicasets_and_nodes_use_their_printers(
    world: World, kubectl: Kubectl
) -> None:
    assert kubectl("get", "deploy").out == (
        "NAME            READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "codeforphilly   1/1     1            1           65s\n"
    )
    rs = f"codeforphilly-{world.pod().replicaset}"
    assert kubectl("get", "rs").out == (
        f"{'NAME'.ljust(len(rs) + 3)}DESIRED   CURRENT   READY   AGE\n"
        f"{rs}   1         1         1       65s\n"
    )
    nodes = kubectl("get", "nodes", "--no-headers").out.splitlines()
    assert [line.split()[:2] for line in nodes] == [
        ["sandbox-worker-1", "Ready"], ["sandbox-worker-2", "Ready"]]


def test_describe_deploy_reads_the_defaulted_deployment_and_its_replicaset(
    world: World, kubectl: Kubectl
) -> None:
    lines = kubectl("describe", "deploy", "codeforphilly").out.splitlines()
    assert "Replicas:           1 desired | 1 updated | 1 total | 1 available | 0 unavailable" \
        in lines
    assert "    Port:       3001/TCP (http)" in lines
    assert (f"NewReplicaSet:   codeforphilly-{world.pod().replicaset} (1/1 replicas created)"
            in lines)


def test_missing_objects_are_kubectls_not_found(kubectl: Kubectl) -> None:
    result = kubectl("get", "pod", "nope")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): pods "nope" not found\n'
    deploy = kubectl("get", "deploy", "nope")
    assert (deploy.code, deploy.err) == (
        1, 'Error from server (NotFound): deployments.apps "nope" not found\n')
    logs = kubectl("logs", "nope")
    assert (logs.code, logs.err) == (
        1, f'error: error from server (NotFound): pods "nope" not found in namespace "{NS}"\n')


def test_a_wrong_namespace_lists_nothing_and_names_the_namespace(
    world: World, kubectl: Kubectl
) -> None:
    listed = kubectl("get", "pods", "-n", "wrong")
    assert (listed.code, listed.out, listed.err) == (
        0, "", "No resources found in wrong namespace.\n")
    named = kubectl("get", "pod", world.pod().name, "-n", "wrong")
    assert (named.code, named.err) == (
        1, 'Error from server (NotFound): namespaces "wrong" not found\n')


def test_previous_logs_before_any_restart_are_a_bad_request(
    world: World, kubectl: Kubectl
) -> None:
    name = world.pod().name
    result = kubectl("logs", name, "--previous")
    assert (result.code, result.err) == (1, (
        "Error from server (BadRequest): previous terminated container "
        f'"codeforphilly" in pod "{name}" not found\n'))


def test_unknown_commands_and_flags_are_kubectls_own_errors(kubectl: Kubectl) -> None:
    start = kubectl("start")
    assert start.code == 1
    assert start.err.startswith('error: unknown command "start" for "kubectl"\n')
    flag = kubectl("get", "pods", "--foo")
    assert (flag.code, flag.err) == (
        1, "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n")


def _fetch(url: str, accept: str = "application/json") -> tuple[str, dict[str, Any]]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    with direct.open(request, timeout=30) as response:
        return response.headers["Content-Type"], json.loads(response.read())


def test_discovery_answers_aggregated_first_and_plain_lists_to_older_clients(
    server: ApiServer,
) -> None:
    kind, aggregated = _fetch(f"{server.url}/apis", "application/json;g=apidiscovery.k8s.io;"
                              "v=v2;as=APIGroupDiscoveryList,application/json")
    assert kind == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    assert [item["metadata"]["name"] for item in aggregated["items"]] == [
        "apps", "metrics.k8s.io"]
    assert _fetch(f"{server.url}/api")[1]["versions"] == ["v1"]
    core = {r["name"] for r in _fetch(f"{server.url}/api/v1")[1]["resources"]}
    assert {"pods", "pods/log", "pods/exec", "nodes", "events"} <= core
    apps = {r["name"] for r in _fetch(f"{server.url}/apis/apps/v1")[1]["resources"]}
    assert apps == {"deployments", "replicasets"}
