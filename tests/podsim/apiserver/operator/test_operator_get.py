"""`kubectl get` beyond tables: jsonpath errors, json and yaml, the deployment and the secret."""

import base64
import json

import yaml
from apiserver_rig import NS, Kubectl

from podsim.world import World


def test_jsonpath_index_on_an_empty_list_is_kubectls_error(k: Kubectl) -> None:
    result = k("get", "pods", "--field-selector=status.phase=Pending",
               "-o", "jsonpath={.items[0].metadata.name}")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith('error: error executing jsonpath "{.items[0].metadata.name}": '
                                 "Error executing template: array index out of bounds: "
                                 "index 0, length 0.")


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
    world.advance(45 - world.now)  # both were created at virtual second 0
    deploy = k("get", "deploy").out.splitlines()
    assert deploy == ["NAME            READY   UP-TO-DATE   AVAILABLE   AGE",
                      "codeforphilly   1/1     1            1           45s"]
    secret = "codeforphilly-data-deploy-key"
    assert k("get", "secrets").out.splitlines()[1].split() == [secret, "Opaque", "1", "45s"]
    encoded = k("get", "secret", secret, "-o", "jsonpath={.data.id_ed25519}").out
    key = world.root / "secrets" / secret / "id_ed25519"
    assert base64.b64decode(encoded) == key.read_bytes()
    assert k("get", "secret", secret, "-o", "jsonpath={.data.nope}").out == ""


def test_the_default_namespace_has_nothing_and_says_so(k: Kubectl) -> None:
    result = k("get", "pods", "-n", "default")
    assert (result.code, result.out, result.err) == (0, "", "No resources found in default "
                                                     "namespace.\n")
    assert k("get", "pods", "-n", NS).code == 0
