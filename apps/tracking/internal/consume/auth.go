package consume

import (
	"context"
	"crypto/tls"
	"fmt"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/twmb/franz-go/pkg/kgo"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"

	"msa-platform/apps/tracking/internal/config"
)

// authOptions: how the client reaches Kafka, as the kit's KAFKA_AUTH says. `aws-iam` is MSK's IAM
// access: TLS, and SASL tokens signed with the pod's credentials (IRSA's web identity, through the
// SDK's default chain) for AWS_REGION; `none` is plain text (the local broker).
func authOptions(ctx context.Context, cfg *config.Config) ([]kgo.Opt, error) {
	if cfg.KafkaAuth != "aws-iam" {
		return nil, nil
	}
	aws, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.AWSRegion))
	if err != nil {
		return nil, fmt.Errorf("AWS credentials for MSK IAM: %w", err)
	}
	sign := func(ctx context.Context) (awssasl.Auth, error) {
		creds, err := aws.Credentials.Retrieve(ctx)
		if err != nil {
			return awssasl.Auth{}, err
		}
		return awssasl.Auth{AccessKey: creds.AccessKeyID, SecretKey: creds.SecretAccessKey, SessionToken: creds.SessionToken, UserAgent: cfg.Service}, nil
	}
	return []kgo.Opt{kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}), kgo.SASL(awssasl.ManagedStreamingIAM(sign))}, nil
}
