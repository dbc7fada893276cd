using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Datasets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "datasets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    source = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text_field = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    validation_fraction = table.Column<double>(type: "double precision", nullable: false),
                    token_bytes = table.Column<int>(type: "integer", nullable: false),
                    owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    files = table.Column<int>(type: "integer", nullable: true),
                    documents = table.Column<long>(type: "bigint", nullable: true),
                    bytes = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_datasets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "default_corpus_splits",
                columns: table => new
                {
                    tokenizer = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    train_tokens = table.Column<long>(type: "bigint", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_default_corpus_splits", x => x.tokenizer);
                });

            migrationBuilder.CreateTable(
                name: "dataset_tokenizations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tokenizer = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    progress = table.Column<double>(type: "double precision", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    worker = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    tokens = table.Column<long>(type: "bigint", nullable: true),
                    train_tokens = table.Column<long>(type: "bigint", nullable: true),
                    validation_tokens = table.Column<long>(type: "bigint", nullable: true),
                    validation_bytes = table.Column<long>(type: "bigint", nullable: true),
                    skipped_lines = table.Column<long>(type: "bigint", nullable: true),
                    shard_prefix = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    error_field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dataset_tokenizations", x => x.id);
                    table.ForeignKey(
                        name: "FK_dataset_tokenizations_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_dataset_tokenizations_dataset_id_tokenizer",
                table: "dataset_tokenizations",
                columns: new[] { "dataset_id", "tokenizer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dataset_tokenizations_status_created_at",
                table: "dataset_tokenizations",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_datasets_name",
                table: "datasets",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dataset_tokenizations");

            migrationBuilder.DropTable(
                name: "default_corpus_splits");

            migrationBuilder.DropTable(
                name: "datasets");
        }
    }
}
