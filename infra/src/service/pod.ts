import type { Service } from '@msa/catalog';
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';

export interface PodSettings {
  readonly service: Service;
  readonly image: string;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: pulumi.Input<string>;
  /** Secret holding the database connection (PG* variables and DATABASE_URL). */
  readonly databaseSecretName: pulumi.Input<string>;
  readonly env: Record<string, pulumi.Input<string>>;
}

/** The pod of one service: its image, probes and resources from the catalog, and nothing it does not need. */
export function podTemplate(p: PodSettings): k8s.types.input.core.v1.PodTemplateSpec {
  const { service } = p;
  const probe = (path: string, delay: number) => ({
    httpGet: { path, port: 'http' },
    initialDelaySeconds: delay,
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    metadata: { labels: p.labels },
    spec: {
      serviceAccountName: p.serviceAccountName,
      // The service never calls the Kubernetes API; IRSA's web identity token is mounted by EKS's webhook regardless.
      automountServiceAccountToken: false,
      // uid 1000 is the `node` user of the official Node.js images; a numeric uid lets the kubelet verify runAsNonRoot.
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      // The root filesystem is read-only; /tmp is the one writable place.
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      containers: [{
        name: service.name,
        image: p.image,
        ports: [{ name: 'http', containerPort: service.port }],
        env: [
          { name: 'PORT', value: String(service.port) },
          { name: 'HOST', value: '0.0.0.0' },
          ...Object.entries(p.env).map(([name, value]) => ({ name, value })),
        ],
        envFrom: [{ secretRef: { name: p.databaseSecretName } }],
        livenessProbe: probe(service.http.health, 10),
        readinessProbe: probe(service.http.readiness, 5),
        resources: {
          requests: { cpu: service.resources.cpu, memory: service.resources.memory },
          limits: { memory: service.resources.memory },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}
