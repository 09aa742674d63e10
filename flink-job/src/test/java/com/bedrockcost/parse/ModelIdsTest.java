package com.bedrockcost.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ModelIdsTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        // plain model ids, with and without version suffixes
        "anthropic.claude-3-haiku-20240307-v1:0, anthropic.claude-3-haiku-20240307-v1:0, in-region",
        "amazon.titan-embed-text-v1, amazon.titan-embed-text-v1, in-region",
        "anthropic.claude-sonnet-4-6, anthropic.claude-sonnet-4-6, in-region",
        "meta.llama3-3-70b-instruct-v1:0, meta.llama3-3-70b-instruct-v1:0, in-region",
        // system inference profiles: every geo prefix, and global
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0, geo",
        "eu.amazon.nova-pro-v1:0, amazon.nova-pro-v1:0, geo",
        "apac.anthropic.claude-haiku-4-5-20251001-v1:0, anthropic.claude-haiku-4-5-20251001-v1:0, geo",
        "jp.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0, geo",
        "au.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0, geo",
        "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0, geo",
        "global.anthropic.claude-sonnet-4-20250514-v1:0, anthropic.claude-sonnet-4-20250514-v1:0, global",
        // ARNs: foundation model (empty account field) and inference profiles
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0, anthropic.claude-3-5-sonnet-20240620-v1:0, in-region",
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0, anthropic.claude-haiku-4-5-20251001-v1:0, geo",
        "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0, anthropic.claude-sonnet-4-20250514-v1:0, global",
        "arn:aws-us-gov:bedrock:us-gov-west-1:111122223333:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0, geo",
    })
    void canonicalisesEveryFormThatNamesAModel(String modelId, String model, String scope) {
        ModelIds.Resolved r = ModelIds.resolve(modelId);
        assertThat(r.model).isEqualTo(model);
        assertThat(r.profileScope).isEqualTo(scope);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/a1b2c3d4e5f6",
        "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdef123456",
        "arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/abc123",
        "arn:aws:bedrock:us-east-1:111122223333:custom-model-deployment/x1y2z3",
        "arn:aws:bedrock:us-east-1:111122223333:imported-model/m0d3l",
        "arn:aws:bedrock:us-east-1:111122223333:prompt/PROMPT12345:2",
        "arn:aws:bedrock:us-east-1:111122223333:prompt-router/router1",
        "arn:aws:bedrock:us-east-1:111122223333:default-prompt-router/anthropic.claude:1",
        "arn:aws:sagemaker:us-east-1:111122223333:endpoint/marketplace-model",
        "arn:aws:bedrock:us-east-1",
        "",
        "   ",
        "not a model id",
    })
    void idsThatNameNoModelResolveToNothingInsteadOfFailing(String modelId) {
        assertThat(ModelIds.resolve(modelId)).isEqualTo(ModelIds.UNKNOWN);
    }

    @org.junit.jupiter.api.Test
    void nullResolvesToNothing() {
        assertThat(ModelIds.resolve(null)).isEqualTo(ModelIds.UNKNOWN);
    }
}
