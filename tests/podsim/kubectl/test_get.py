"""`kubectl get`: table layout, output formats, selectors, empty results and errors."""

import base64
import json

import pytest
import yaml
from kubectl_rig import NS, Kubectl

from podsim.world import World

HEADER = "READY   STATUS    RESTARTS   AGE"


def test_pods_table_follows_the_tabwriter_rules(world: World, k: Kubectl) -> None:
    world.advance(65)
    name = world.pod().name
    result = k("get", "pods")
    pad = " " * (len(name) + 3 - len("NAME"))
    assert result.out == f"NAME{pad}{HEADER}\n{name}   1/1     Running   0          65s\n"
    assert (result.code, result.err) == (0, "")


def test_default_namespace_finds_nothing_and_says_so_on_stderr(kubectl: Kubectl) -> None:
    result = kubectl("get", "pods")
    assert (result.code, result.out) == (0, "")
    assert result.err == "No resources found in default namespace.\n"


def test_restarts_show_when_the_last_one_was(world: World, k: Kubectl) -> None:
    world.advance(200)
    world.oom_kill()
    world.advance(30)
    row = k("get", "pods").out.splitlines()[1].split()
    assert row[1:] == ["1/1", "Running", "1", "(30s", "ago)", "3m50s"]


def test_wide_name_and_jsonpath(world: World, k: Kubectl) -> None:
    pod = world.pod()
    wide = k("get", "pods", "-o", "wide").out.splitlines()
    assert wide[0].endswith("IP            NODE               NOMINATED NODE   READINESS GATES")
    assert wide[1].split()[-4:] == [pod.ip, pod.node, "<none>", "<none>"]
    assert k("get", "po", "-oname").out == f"pod/{pod.name}\n"
    assert k("get", "pods", "-o", "jsonpath={.items[0].metadata.name}").out == pod.name
    assert k("get", f"pod/{pod.name}", "-o=jsonpath={.spec.nodeName}").out == pod.node


def test_selectors_filter_like_the_api_server(world: World, k: Kubectl) -> None:
    name = world.pod().name
    running = k("get", "pod", "-l", "app.kubernetes.io/name=codeforphilly",
                "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}")
    assert running.out == name
    none = k("get", "pods", "-l", "app.kubernetes.io/name in (other)")
    assert (none.out, none.err) == ("", f"No resources found in {NS} namespace.\n")
    bad = k("get", "pods", "--field-selector=foo.bar=baz")
    assert bad.code == 1 and "field label not supported: foo.bar" in bad.err


def test_jsonpath_index_on_an_empty_list_is_kubectls_error(k: Kubectl) -> None:
    result = k("get", "pods", "--field-selector=status.phase=Pending",
               "-o", "jsonpath={.items[0].metadata.name}")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        'error: error executing jsonpath "{.items[0].metadata.name}": Error executing template: '
        "array index out of bounds: index 0, length 0. Printing more information for debugging "
        "the template:\n\ttemplate was:\n\t\t{.items[0].metadata.name}\n\tobject given to "
        'jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "items":'
        '[]interface {}{}, "kind":"List", "metadata":map[string]interface {}'
        '{"resourceVersion":""}}\n\n\n'
    )


def test_json_and_yaml_carry_container_status(world: World, k: Kubectl) -> None:
    world.crash()
    name = world.pod().name
    as_json = json.loads(k("get", "pod", name, "-o", "json").out)
    assert as_json["kind"] == "Pod" and as_json["status"]["phase"] == "Running"
    assert as_json["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 1
    as_yaml = yaml.safe_load(k("get", "pods", "-o", "yaml").out)
    assert as_yaml["kind"] == "List" and as_yaml["items"][0]["metadata"]["name"] == name
    path = "jsonpath={.status.containerStatuses[0].restartCount}"
    assert k("get", "pod", name, "-o", path).out == "1"


def test_deployment_and_secret(world: World, k: Kubectl) -> None:
    world.advance(10)
    deploy = k("get", "deploy").out.splitlines()
    assert deploy == ["NAME            READY   UP-TO-DATE   AVAILABLE   AGE",
                      "codeforphilly   1/1     1            1           10s"]
    secret = "codeforphilly-data-deploy-key"
    assert k("get", "secrets").out.splitlines()[1].split() == [secret, "Opaque", "1", "10s"]
    encoded = k("get", "secret", secret, "-o", "jsonpath={.data.id_ed25519}").out
    key = world.root / "secrets" / secret / "id_ed25519"
    assert base64.b64decode(encoded) == key.read_bytes()
    assert k("get", "secret", secret, "-o", "jsonpath={.data.nope}").out == ""


def test_missing_objects_and_unknown_types(k: Kubectl) -> None:
    missing = k("get", "pod", "nope")
    assert missing.code == 1
    assert missing.err == 'Error from server (NotFound): pods "nope" not found\n'
    unknown = k("get", "foo")
    assert unknown.err == 'error: the server doesn\'t have a resource type "foo"\n'


def test_unsimulated_verbs_flags_and_formats_fail_loudly(kubectl: Kubectl) -> None:
    verb = kubectl("apply", "-f", "x.yaml")
    assert verb.code == 1 and "does not simulate \"kubectl apply\"" in verb.err
    flag = kubectl("get", "pods", "--show-labels")
    assert flag.code == 1
    assert flag.err == ('error: podsim kubectl does not simulate the flag --show-labels for '
                        '"kubectl get"\nSee \'kubectl get --help\' for usage.\n')
    assert "does not simulate" in kubectl("get", "pods", "-o", "go-template={{.}}").err
    assert kubectl("-n").err.startswith("error: flag needs an argument: 'n' in -n\n")


def test_no_kubeconfig_is_an_unreachable_server(
    kubectl: Kubectl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", "/nonexistent-podsim-home")
    result = kubectl("get", "pods")
    assert result.code == 1
    assert result.err == ("The connection to the server localhost:8080 was refused - did you "
                          "specify the right host or port?\n")
