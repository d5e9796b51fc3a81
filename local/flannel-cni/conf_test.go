package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The chart's cni-conf.json (flannel chart v0.28.9 values.yaml flannel.cniConf), its flannel entry.
const chartEntry = `{"cniVersion":"0.3.1","name":"cbr0","type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}}`

const env = "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n"

func TestDelegateForTheChartsConfiguration(t *testing.T) {
	n, err := parseNetConf([]byte(chartEntry))
	if err != nil {
		t.Fatal(err)
	}
	e, err := parseSubnetEnv(strings.NewReader(env), "subnet.env")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(delegateConf(n, e))
	want := `{"cniVersion":"0.3.1","hairpinMode":true,"ipMasq":false,"ipam":{"ranges":[[{"subnet":"10.244.1.0/24"}]],` +
		`"routes":[{"dst":"10.244.0.0/16"}],"type":"host-local"},"isDefaultGateway":true,"isGateway":true,"mtu":1450,"name":"cbr0","type":"bridge"}`
	if string(got) != want {
		t.Fatalf("delegate:\n got %s\nwant %s", got, want)
	}
}

func TestDelegateKeepsWhatTheConfigurationSets(t *testing.T) {
	n, _ := parseNetConf([]byte(`{"name":"n","type":"flannel","delegate":{"type":"ptp","ipMasq":true,"mtu":1400}}`))
	e, _ := parseSubnetEnv(strings.NewReader(strings.Replace(env, "IPMASQ=true", "IPMASQ=false", 1)), "subnet.env")
	d := delegateConf(n, e)
	if d["type"] != "ptp" || d["ipMasq"] != true || d["mtu"] != float64(1400) || d["isGateway"] != nil {
		t.Fatalf("delegate %v", d)
	}
}

func TestSubnetEnvNamesWhatIsMissing(t *testing.T) {
	_, err := parseSubnetEnv(strings.NewReader("FLANNEL_NETWORK=10.244.0.0/16\n"), "/run/flannel/subnet.env")
	if err == nil || !strings.Contains(err.Error(), "/run/flannel/subnet.env lacks FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ") {
		t.Fatalf("error %v", err)
	}
}

func TestDelegateMustNotNameItsIPAM(t *testing.T) {
	_, err := parseNetConf([]byte(`{"name":"n","type":"flannel","delegate":{"ipam":{}}}`))
	if err == nil || !strings.Contains(err.Error(), "delegate.ipam must not be set") {
		t.Fatalf("error %v", err)
	}
}
